'use strict';
const util = require("util");
const EventEmitter = require("events");

console.log(util.format("%s", new EventEmitter().listenerCount("x")));
