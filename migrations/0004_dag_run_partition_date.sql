-- `DagRun.partition_date` (execution_api/versions/v2026_06_30.py, AddPartitionDateField, at
-- apache/airflow@00414da86b29): the partition datetime of a run that consumed partitioned asset
-- events, which consumer tasks template. Written by the scheduler with the run; NULL otherwise.
-- UTC ISO 8601 text, as every timestamp here.
ALTER TABLE dag_runs ADD COLUMN partition_date TEXT;
