-- Placeholder migration (to be replaced by the Execution API schema).
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT);
