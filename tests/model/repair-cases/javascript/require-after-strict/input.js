'use strict';
const util = require("util");

console.log(util.format("%s", new EventEmitter().listenerCount("x")));
