-- Applications for the mark, sent by makers (POST /api/applications): the spec as
-- received, what the registry read from it (product, maker, the grade the core's grading
-- rule gives its answers), and where it stands. Keep in step with
-- ../sqlite/0003_applications.sql.
CREATE TABLE applications (
    id BIGSERIAL PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    spec TEXT NOT NULL,
    product TEXT NOT NULL,
    model TEXT NOT NULL,
    maker TEXT NOT NULL,
    gtin TEXT,
    grade TEXT NOT NULL,
    assurance TEXT NOT NULL,
    catalogue BIGINT NOT NULL,
    -- The certifying body asked (?region=), or none: then any reviewer's queue.
    region TEXT REFERENCES regions(code),
    status TEXT NOT NULL,
    -- The latest decision's note to the maker, shown with the public status.
    note TEXT,
    received_at BIGINT NOT NULL,
    decided_at BIGINT
);
CREATE INDEX applications_queue ON applications(status, received_at);

-- Every reviewer decision on an application, with who and when; never updated.
CREATE TABLE application_decisions (
    id BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    action TEXT NOT NULL,
    note TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX application_decisions_of ON application_decisions(application_id);
