// expect: close
pragma solidity ^0.8.20;
contract A {
    event Paid(address who, uint256 amount);
    function pay() external payable {
        emit Paid(msg.sender, msg.value
