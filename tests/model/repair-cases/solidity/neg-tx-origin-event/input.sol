// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Log {
    event Seen(address who);

    function touch() public {
        emit Seen(tx.origin);
    }
}
