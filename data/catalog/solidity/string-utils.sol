// title: String utilities (compare, concatenate, length)
// description: Pure string helpers in Solidity: compare two strings, concatenate strings, get the byte length, check for an empty string and convert a number to a string.
// keywords: string, strings, compare, equal, equality, concatenate, concat, join, length, empty, tostring, uint, bytes, utils

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

library StringUtils {
    function equal(string memory a, string memory b) internal pure returns (bool) {
        return keccak256(bytes(a)) == keccak256(bytes(b));
    }

    function concat(string memory a, string memory b) internal pure returns (string memory) {
        return string.concat(a, b);
    }

    function length(string memory s) internal pure returns (uint256) {
        return bytes(s).length;
    }

    function toString(uint256 value) internal pure returns (string memory) {
        if (value == 0) {
            return "0";
        }
        uint256 digits;
        for (uint256 v = value; v != 0; v /= 10) {
            digits++;
        }
        bytes memory buf = new bytes(digits);
        while (value != 0) {
            digits--;
            buf[digits] = bytes1(uint8(48 + (value % 10)));
            value /= 10;
        }
        return string(buf);
    }
}

contract StringDemo {
    function greet(string memory name, uint256 n) external pure returns (string memory) {
        return StringUtils.concat(StringUtils.concat("hello ", name), StringUtils.toString(n));
    }
}
