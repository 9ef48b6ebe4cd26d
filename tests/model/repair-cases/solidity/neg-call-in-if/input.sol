// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract P {
    function pay(address payable to, bool yes) public {
        if (yes)
            to.call{value: 1}("");
    }
}
