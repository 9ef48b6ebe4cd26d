"""A small inventory tool, the size and shape of a typical generated answer."""
from __future__ import annotations

import argparse
import json
import logging
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional

log = logging.getLogger(__name__)


@dataclass
class Item:
    sku: str
    name: str
    quantity: int = 0
    price_cents: int = 0
    tags: List[str] = field(default_factory=list)

    def total_cents(self) -> int:
        return self.quantity * self.price_cents

    def to_dict(self) -> Dict[str, object]:
        return {"sku": self.sku, "name": self.name, "quantity": self.quantity,
                "price_cents": self.price_cents, "tags": list(self.tags)}


class Inventory:
    def __init__(self) -> None:
        self._items: Dict[str, Item] = {}

    def add(self, item: Item) -> None:
        if item.sku in self._items:
            raise ValueError(f"duplicate sku {item.sku}")
        self._items[item.sku] = item
        log.debug("added %s", item.sku)

    def remove(self, sku: str) -> Item:
        try:
            return self._items.pop(sku)
        except KeyError:
            raise KeyError(f"no item {sku}") from None

    def restock(self, sku: str, amount: int) -> int:
        if amount <= 0:
            raise ValueError("amount must be positive")
        item = self._items[sku]
        item.quantity += amount
        return item.quantity

    def sell(self, sku: str, amount: int) -> int:
        item = self._items[sku]
        if amount > item.quantity:
            raise ValueError(f"only {item.quantity} left of {sku}")
        item.quantity -= amount
        return item.total_cents()

    def find(self, tag: Optional[str] = None) -> Iterable[Item]:
        for item in sorted(self._items.values(), key=lambda i: i.sku):
            if tag is None or tag in item.tags:
                yield item

    def value_cents(self) -> int:
        return sum(i.total_cents() for i in self._items.values())

    def low_stock(self, threshold: int = 5) -> List[str]:
        return [i.sku for i in self._items.values() if i.quantity < threshold]

    def to_json(self) -> str:
        return json.dumps([i.to_dict() for i in self.find()], indent=2)

    @classmethod
    def from_json(cls, text: str) -> "Inventory":
        inv = cls()
        for row in json.loads(text):
            inv.add(Item(**row))
        return inv


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="inventory report")
    p.add_argument("--threshold", type=int, default=5)
    p.add_argument("--tag", default=None)
    return p.parse_args(argv)


def report(inv: Inventory, args: argparse.Namespace) -> str:
    lines = [f"{i.sku:8} {i.name:20} {i.quantity:5} {i.total_cents() / 100:10.2f}"
             for i in inv.find(args.tag)]
    lines.append(f"total value: {inv.value_cents() / 100:.2f}")
    low = inv.low_stock(args.threshold)
    if low:
        lines.append("low stock: " + ", ".join(low))
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    inv = Inventory()
