DROP TABLE posted_proposals;
