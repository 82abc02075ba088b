exports.handler = function (event, context) {
  context.succeed({ legacy: true, isCjs: typeof require === 'function' });
};
