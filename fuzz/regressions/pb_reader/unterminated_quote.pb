META
key;value
"unterminated;x
PROJECTS
