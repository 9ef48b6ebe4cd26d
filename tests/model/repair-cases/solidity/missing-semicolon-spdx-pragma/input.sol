contract Store {
    uint256 public value;

    function set(uint256 v) public {
        value = v
    }
}
