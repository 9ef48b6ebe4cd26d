# title: Sort a dictionary by value
# description: Sort a dictionary's items by value (or by key), ascending or descending, and sort a list of dictionaries by a field.
# keywords: sort, sorting, dictionary, dict, value, values, key, keys, items, order, descending, list, dictionaries, field

def sort_by_value(d, descending=False):
    """Return d's (key, value) pairs ordered by value."""
    return sorted(d.items(), key=lambda kv: kv[1], reverse=descending)


def sort_records(records, field):
    """Return the dictionaries in records ordered by records[i][field]."""
    return sorted(records, key=lambda r: r[field])


if __name__ == "__main__":
    scores = {"ada": 91, "bob": 78, "cy": 85}
    print(sort_by_value(scores))
    print(sort_by_value(scores, descending=True))
    people = [{"name": "Bo", "age": 30}, {"name": "Al", "age": 25}]
    print(sort_records(people, "age"))
