# title: Bank account class
# description: An object-oriented bank account class with deposit, withdraw, balance and a transaction history, rejecting overdrafts.
# keywords: bank, account, class, object, oriented, oop, deposit, withdraw, balance, transactions, history, overdraft, money

class BankAccount:
    """A bank account holding a balance in cents."""

    def __init__(self, owner, balance=0):
        self.owner = owner
        self._balance = balance
        self.history = []

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("deposit must be positive")
        self._balance += amount
        self.history.append(("deposit", amount))

    def withdraw(self, amount):
        if amount <= 0:
            raise ValueError("withdrawal must be positive")
        if amount > self._balance:
            raise ValueError("insufficient funds")
        self._balance -= amount
        self.history.append(("withdraw", amount))

    @property
    def balance(self):
        return self._balance


if __name__ == "__main__":
    acct = BankAccount("Ada")
    acct.deposit(10_000)
    acct.withdraw(2_500)
    print(acct.owner, acct.balance, acct.history)
    try:
        acct.withdraw(1_000_000)
    except ValueError as e:
        print("refused:", e)
