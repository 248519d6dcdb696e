-- An Idempotency-Key sent with an application: a retry with the same key (the answer was
-- lost) gets the same reference, and nothing new is stored. Keep in step with
-- ../postgres/0004_application_retries.sql.
ALTER TABLE applications ADD COLUMN client_ref TEXT;
CREATE UNIQUE INDEX applications_client_ref ON applications(client_ref);
