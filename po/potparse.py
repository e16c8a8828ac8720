# Reads a .pot/.po file: a list of entries (flags, msgid, msgid_plural, msgstr list).
import re, sys
def unq(parts):
    out=''
    for p in parts:
        out+=bytes(p[1:-1],'utf-8').decode('unicode_escape').encode('latin-1').decode('utf-8')
    return out
def parse(path):
    ents=[]; cur=None; key=None
    for line in open(path,encoding='utf-8'):
        line=line.rstrip('\n')
        if not line.strip():
            if cur: ents.append(cur); cur=None
            continue
        if cur is None: cur={'flags':'','msgid':[],'msgid_plural':[],'msgstr':{}, 'comments':[]}
        if line.startswith('#,'): cur['flags']=line[2:].strip(); continue
        if line.startswith('#'): cur['comments'].append(line); continue
        m=re.match(r'(msgid_plural|msgid|msgstr(?:\[(\d)\])?) (".*")$',line)
        if m:
            k=m.group(1)
            if k.startswith('msgstr'):
                idx=int(m.group(2) or 0); cur['msgstr'].setdefault(idx,[]); key=('msgstr',idx); cur['msgstr'][idx].append(m.group(3))
            else:
                key=(k,None); cur[k].append(m.group(3))
        elif line.startswith('"'):
            if key[0]=='msgstr': cur['msgstr'][key[1]].append(line)
            else: cur[key[0]].append(line)
    if cur: ents.append(cur)
    for e in ents:
        e['id']=unq(e['msgid']); e['plural']=unq(e['msgid_plural']) if e['msgid_plural'] else None
        e['str']={k:unq(v) for k,v in e['msgstr'].items()}
    return ents
