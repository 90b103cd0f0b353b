# admin strings (fr)
