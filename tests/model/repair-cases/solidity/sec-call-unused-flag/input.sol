// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Refund {
    function refund(address payable to) public {
        (bool sent, ) = to.call{value: 1 ether}("");
    }
}
