def total(prices):
    subtotal = sum(prices)
    return subtotl + subtotl * 0.2


print(total([10, 20]))
