greeting = 'good morning'
print(greeting)
