// One example request per endpoint and language, for the "Example" button:
// a first-time user sees at once what each endpoint takes.

export const EXAMPLES = {
  generate: {
    python: { prompt: 'Write a function that reverses a string, and print it for "kitty".' },
    javascript: { prompt: 'Write a function that counts the vowels in a string and print the count for "sheikh kitty".' },
    typescript: { prompt: 'Write a typed function that returns the largest number in an array and print it for [3, 9, 4].' },
    solidity: { prompt: 'Write a counter contract with increment and reset functions; only the owner may reset.' },
  },
  complete: {
    python: { code: 'def fibonacci(n):\n    """Return the first n Fibonacci numbers."""\n' },
    javascript: { code: '// Return the words of a sentence in reverse order.\nfunction reverseWords(sentence) {\n' },
    typescript: { code: 'interface Point { x: number; y: number }\n\n// The distance between two points.\nfunction distance(a: Point, b: Point): number {\n' },
    solidity: { code: '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n\ncontract Vault {\n    mapping(address => uint256) public balances;\n\n    function deposit() external payable {\n' },
  },
  debug: {
    python: {
      code: 'def mean(values):\n    return sum(values) / len(value)\n\nprint(mean([1, 2, 3]))\n',
      error: "NameError: name 'value' is not defined",
    },
    javascript: {
      code: "const total = [1, 2, 3].reduce((sum, x) => sum + x, 0);\nconsole.log('total: ' + totl);\n",
      error: 'ReferenceError: totl is not defined',
    },
    typescript: {
      code: "function greet(name: string): string {\n  return 'Hello, ' + name;\n}\nconsole.log(greet(42));\n",
      error: "error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'.",
    },
    solidity: {
      code: '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n\ncontract Owned {\n    address public owner = msg.sender;\n\n    function setOwner(address next) external {\n        require(tx.origin == owner, "not owner");\n        owner = next\n    }\n}\n',
      error: "ParserError: Expected ';' but got '}'",
    },
  },
};
