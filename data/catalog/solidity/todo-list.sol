// title: Todo list
// description: A per-user todo list stored on chain: create tasks, toggle them done, and read them back; an example of structs and arrays in mappings.
// keywords: todo, todos, list, tasks, task, create, toggle, complete, done, struct, array, mapping, crud

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract TodoList {
    struct Todo {
        string text;
        bool done;
    }

    mapping(address => Todo[]) private todos;

    event Created(address indexed owner, uint256 index, string text);
    event Toggled(address indexed owner, uint256 index, bool done);

    function create(string calldata text) external {
        require(bytes(text).length > 0 && bytes(text).length <= 280, "bad length");
        todos[msg.sender].push(Todo({text: text, done: false}));
        emit Created(msg.sender, todos[msg.sender].length - 1, text);
    }

    function toggle(uint256 index) external {
        require(index < todos[msg.sender].length, "no such todo");
        Todo storage t = todos[msg.sender][index];
        t.done = !t.done;
        emit Toggled(msg.sender, index, t.done);
    }

    function get(address owner, uint256 index) external view returns (string memory text, bool done) {
        Todo storage t = todos[owner][index];
        return (t.text, t.done);
    }

    function count(address owner) external view returns (uint256) {
        return todos[owner].length;
    }
}
