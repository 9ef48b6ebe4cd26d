// title: Check for a leap year
// description: Check whether a year is a leap year in the Gregorian calendar (divisible by 4, except centuries not divisible by 400).
// keywords: leap, year, years, gregorian, calendar, february, divisible, check, days

function isLeapYear(year) {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

for (const y of [1900, 2000, 2023, 2024]) {
  console.log(y, isLeapYear(y));
}
