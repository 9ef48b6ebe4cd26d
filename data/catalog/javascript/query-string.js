// title: Parse and build URL query strings
// description: Parse a URL and its query string into parameters with URL and URLSearchParams, and build a query string from an object.
// keywords: url, query, string, querystring, parameters, params, search, urlsearchparams, parse, build, encode, decode

function parseQuery(url) {
  return Object.fromEntries(new URL(url).searchParams);
}

function buildQuery(params) {
  return new URLSearchParams(params).toString();
}

const parsed = parseQuery("https://example.com/search?q=sheikh+kitty&page=2&lang=en");
console.log(parsed);
console.log(buildQuery({ q: "a & b", page: 3 }));
console.log(new URL("https://example.com:8443/a/b?x=1#top").pathname);
