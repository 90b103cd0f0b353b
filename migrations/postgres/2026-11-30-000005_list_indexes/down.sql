DROP INDEX proposals_process_visible;
DROP INDEX proposals_process_random;
