// Loaded with `node --import` into a child process under test: prints its peak resident memory last on stderr.
process.on('exit', () => {
    process.stderr.write(`maxrss-kb=${process.resourceUsage().maxRSS}\n`);
});
export {};
//# sourceMappingURL=report-rss.js.map