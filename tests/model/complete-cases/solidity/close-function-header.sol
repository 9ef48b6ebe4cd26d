// expect: close
pragma solidity ^0.8.20;
contract A {
    function f(uint256 a) public
