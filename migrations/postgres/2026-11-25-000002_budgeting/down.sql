DROP TABLE project_updates;
DROP TABLE signing_keys;
DROP TABLE ballot_casts;
DROP TABLE ballots;
DROP TABLE budget_projects;
DROP TABLE budgets;
