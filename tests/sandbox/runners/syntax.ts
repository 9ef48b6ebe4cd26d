const x: = 3;
