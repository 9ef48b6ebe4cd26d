# title: Parse CSV text
# description: Parse comma-separated values (CSV) from a string into rows and dictionaries with the csv module, and write CSV back to a string.
# keywords: csv, comma, separated, values, parse, parsing, rows, columns, header, dictreader, table, spreadsheet

import csv
import io


def parse_csv(text):
    """Return the rows of CSV text as dictionaries keyed by the header row."""
    return list(csv.DictReader(io.StringIO(text)))


def to_csv(rows, fields):
    """Return rows (dictionaries) as CSV text with a header row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


if __name__ == "__main__":
    rows = parse_csv('name,age\nAda,36\n"Lovelace, Ada",37\n')
    for row in rows:
        print(row["name"], row["age"])
    print(to_csv(rows, ["name", "age"]), end="")
