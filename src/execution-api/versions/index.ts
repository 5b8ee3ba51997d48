import type { ApiVersion } from './change'
import v2025_04_11 from './v2025-04-11'
import v2025_04_28 from './v2025-04-28'
import v2025_05_20 from './v2025-05-20'
import v2025_08_10 from './v2025-08-10'
import v2025_09_23 from './v2025-09-23'
import v2025_10_27 from './v2025-10-27'
import v2025_11_05 from './v2025-11-05'
import v2026_04_06 from './v2026-04-06'
import v2026_06_30 from './v2026-06-30'
import v2026_10_30 from './v2026-10-30'
import v2026_11_13 from './v2026-11-13'

// Airflow's Execution API version bundle (execution_api/versions/__init__.py at
// apache/airflow@00414da86b29a41513bb8fcbbf8766e6cb886e2f), one file per version. When Airflow
// releases a version: add its file beside these and its line here.

/** Every version served; the engine sorts them, newest first. */
export const airflowVersions: readonly ApiVersion[] = [
  v2025_04_11,
  v2025_04_28,
  v2025_05_20,
  v2025_08_10,
  v2025_09_23,
  v2025_10_27,
  v2025_11_05,
  v2026_04_06,
  v2026_06_30,
  v2026_10_30,
  v2026_11_13,
]
