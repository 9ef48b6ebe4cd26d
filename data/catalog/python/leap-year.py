# title: Check for a leap year
# description: Check whether a year is a leap year in the Gregorian calendar (divisible by 4, except centuries not divisible by 400).
# keywords: leap, year, years, gregorian, calendar, february, divisible, check, days

def is_leap_year(year):
    """True if year is a Gregorian leap year."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


if __name__ == "__main__":
    for y in [1900, 2000, 2023, 2024]:
        print(y, is_leap_year(y))
