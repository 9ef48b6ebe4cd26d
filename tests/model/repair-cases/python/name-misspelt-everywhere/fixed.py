def total(prices):
    subtotal = sum(prices)
    return subtotal + subtotal * 0.2


print(total([10, 20]))
