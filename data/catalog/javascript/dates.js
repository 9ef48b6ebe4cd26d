// title: Work with dates
// description: Count the days between two dates, add days to a date, format a date and find the weekday, in UTC so results do not depend on the time zone.
// keywords: date, dates, days, between, difference, add, format, parse, weekday, calendar, iso, utc, time

const DAY_MS = 24 * 60 * 60 * 1000;

function daysBetween(a, b) {
  return Math.round((Date.parse(b + "T00:00:00Z") - Date.parse(a + "T00:00:00Z")) / DAY_MS);
}

function addDays(iso, days) {
  const d = new Date(iso + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

console.log(daysBetween("2024-01-01", "2024-12-25"));
console.log(addDays("2024-02-27", 3));
const d = new Date(Date.UTC(2024, 6, 14));
console.log(d.toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }));
