const values = [3, 1, 2];
Consle.log(values.sort());
