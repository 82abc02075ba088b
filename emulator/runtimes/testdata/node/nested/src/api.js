const helper = require('./lib/helper');

exports.handler = async (event) => helper.greet(event.name);
