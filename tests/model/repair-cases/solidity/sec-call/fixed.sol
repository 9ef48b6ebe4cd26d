// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Pay {
    function pay(address to, uint256 amount) public {
        (bool success, ) = payable(to).call{value: amount}("");
        require(success, "call failed");
    }

    function ok() public pure returns (bool) {
        return true;
    }
}
