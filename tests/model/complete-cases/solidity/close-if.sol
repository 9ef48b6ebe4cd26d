// expect: close
pragma solidity ^0.8.20;
contract A {
    uint256 x;
    function f() public {
        if (x > 1)
