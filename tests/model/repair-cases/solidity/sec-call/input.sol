// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Pay {
    function pay(address to, uint256 amount) public {
        payable(to).call{value: amount}("");
    }

    function ok() public pure returns (bool) {
        return true;
    }
}
