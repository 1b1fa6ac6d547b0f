// NODE_OPTIONS=--require: logs every pg query (epoch ms, text prefix) and every outgoing http(s) request into /tmp/qlog-<pid>.tsv at exit
const Module = require('module');const rows=[];let patched=false;
const orig=Module.prototype.require;
Module.prototype.require=function(id){const m=orig.apply(this,arguments);
 if(!patched&&(id==='pg'||id.endsWith('/pg'))&&m&&m.Client){patched=true;const q=m.Client.prototype.query;m.Client.prototype.query=function(c){const text=typeof c==='string'?c:(c&&(c.text||c.name))||'?';rows.push(Date.now()+'\tpg\t'+String(text).replace(/\s+/g,' ').slice(0,70));return q.apply(this,arguments)}}
 return m};
for (const mod of ['http','https']){const h=require(mod);const r=h.request;h.request=function(a,b){let u=a;const o=typeof a==='string'||a instanceof URL?b:a;rows.push(Date.now()+'\t'+mod+'\t'+((o&&o.method)||'GET')+' '+String((typeof a==='string'?a:(a instanceof URL?a.pathname:(o&&o.path)))||'').slice(0,80));return r.apply(this,arguments)}}
process.on('exit',()=>{try{require('fs').writeFileSync(`/tmp/qlog-${process.pid}.tsv`,rows.join('\n'))}catch{}});
