console.log(fs.readFileSync("/etc/hostname", "utf8"));
