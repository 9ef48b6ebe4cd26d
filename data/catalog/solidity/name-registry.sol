// title: Name registry
// description: A registry mapping unique names to addresses: register a free name, update where it points, transfer it and look it up.
// keywords: name, names, registry, register, registration, domain, ens, lookup, resolve, mapping, ownership, directory

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract NameRegistry {
    struct Record {
        address owner;
        address target;
    }

    mapping(bytes32 => Record) private records;

    event Registered(string name, address indexed owner);
    event TargetChanged(string name, address target);
    event Transferred(string name, address indexed newOwner);

    function register(string calldata name) external {
        bytes32 key = keccak256(bytes(name));
        require(bytes(name).length > 0, "empty name");
        require(records[key].owner == address(0), "name taken");
        records[key] = Record({owner: msg.sender, target: msg.sender});
        emit Registered(name, msg.sender);
    }

    function setTarget(string calldata name, address target) external {
        Record storage r = records[keccak256(bytes(name))];
        require(r.owner == msg.sender, "not the name's owner");
        r.target = target;
        emit TargetChanged(name, target);
    }

    function transfer(string calldata name, address newOwner) external {
        Record storage r = records[keccak256(bytes(name))];
        require(r.owner == msg.sender, "not the name's owner");
        require(newOwner != address(0), "zero address");
        r.owner = newOwner;
        emit Transferred(name, newOwner);
    }

    function resolve(string calldata name) external view returns (address) {
        return records[keccak256(bytes(name))].target;
    }

    function ownerOf(string calldata name) external view returns (address) {
        return records[keccak256(bytes(name))].owner;
    }
}
