# api strings (en)
