// A Node.js function for the nodejs20.x runtime (handler index.handler).
// It greets {"name": "..."}; {"fail": true} throws, to show the error shape.
export const handler = async (event, context) => {
  if (event && event.fail) {
    throw new TypeError(`cannot greet ${event.name ?? "nobody"}: asked to fail`);
  }
  const name = (event && event.name) || "world";
  console.log(`greeting ${name} (request ${context.awsRequestId})`);
  return { message: `${process.env.GREETING || "Hello"}, ${name}!`, runtime: process.version };
};
