// expect: close
pragma solidity ^0.8.20;
interface IThing {
    function thing() external view returns (uint256)
