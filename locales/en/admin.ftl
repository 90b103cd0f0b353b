# admin strings (en)
