# title: Work with dates
# description: Parse a date string, count the days between two dates, add days to a date, format a date and find the weekday.
# keywords: date, dates, datetime, days, between, difference, add, format, parse, weekday, calendar, timedelta, iso

from datetime import date, timedelta


def days_between(a, b):
    """Number of days from ISO date string a to ISO date string b."""
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


def add_days(iso, days):
    """The ISO date days after iso."""
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


if __name__ == "__main__":
    print(days_between("2024-01-01", "2024-12-25"))
    print(add_days("2024-02-27", 3))
    d = date(2024, 7, 14)
    print(d.strftime("%A %d %B %Y"))
