// NODE_OPTIONS=--require: counts pg queries per process (by text prefix) into /tmp/qcount-<pid>.json at exit
const Module = require('module');const counts=new Map();let patched=false;
const orig=Module.prototype.require;
Module.prototype.require=function(id){const m=orig.apply(this,arguments);
 if(!patched&&(id==='pg'||id.endsWith('/pg'))&&m&&m.Client){patched=true;const q=m.Client.prototype.query;m.Client.prototype.query=function(c){const text=typeof c==='string'?c:(c&&(c.text||c.name))||'?';const k=String(text).replace(/\s+/g,' ').slice(0,90);counts.set(k,(counts.get(k)||0)+1);return q.apply(this,arguments)}}
 return m};
const dump=()=>{try{require('fs').writeFileSync(`/tmp/qcount-${process.pid}.json`,JSON.stringify([...counts].sort((a,b)=>b[1]-a[1]),null,0))}catch{}};
process.on('exit',dump);
