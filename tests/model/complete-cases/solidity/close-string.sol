// expect: close
pragma solidity ^0.8.20;
contract A {
    string public s = "abc
