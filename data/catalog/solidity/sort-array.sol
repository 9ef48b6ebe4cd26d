// title: Sort an array in Solidity
// description: Sort a uint256 array in memory with insertion sort in a pure function, and find the maximum of an array.
// keywords: sort, sorting, array, insertion, order, ascending, uint256, memory, pure, maximum, max

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract ArraySort {
    function sort(uint256[] memory data) public pure returns (uint256[] memory) {
        for (uint256 i = 1; i < data.length; i++) {
            uint256 key = data[i];
            uint256 j = i;
            while (j > 0 && data[j - 1] > key) {
                data[j] = data[j - 1];
                j--;
            }
            data[j] = key;
        }
        return data;
    }

    function maxOf(uint256[] memory data) public pure returns (uint256 best) {
        for (uint256 i = 0; i < data.length; i++) {
            if (data[i] > best) {
                best = data[i];
            }
        }
    }
}
