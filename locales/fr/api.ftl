# api strings (fr)
