# The website's one way of writing dates (FORMAT_MODULE_PATH): day before month, 24-hour
# clock, names in the interface language. Templates use these names, never raw patterns.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "D j M Y, H:i"
SHORT_DATE_FORMAT = "j M"
SHORT_DATETIME_FORMAT = "D j M, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "l j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
