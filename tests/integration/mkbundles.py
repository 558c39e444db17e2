"""Fixture bundles for the integration tests (python3 standard library only).

usage: mkbundles.py DIR   writes the fixtures under DIR:
  outer.zip           folder/declaracion.txt, inner.zip (acta.txt, nested.tar.gz (hondo.txt)),
                      copia1.txt and copia2.txt (same bytes), unsafe names, a symlink member
  docs.tar.gz         two text members
  nota.txt.gz         a single compressed file
  trunc.tar.gz        a tar.gz cut in the middle of its second member
  big-member.zip      one 3 MB member (for --max-member)
  bomb.zip            100 MB of zeros (expansion ratio about 1000:1)
  many.zip            12 small members (for --max-members)
  deep.zip            bundles nested 7 deep
"""
import io, os, sys, tarfile, zipfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
def p(name): return os.path.join(out, name)

def tar_bytes(members, mode='w:gz'):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:
        for name, data in members:
            ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 1700000000
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()

def zip_bytes(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, date_time=(2024, 8, 5, 10, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            if isinstance(data, tuple):          # ('symlink', target)
                zi.external_attr = (0o120777 << 16)
                z.writestr(zi, data[1])
            else:
                z.writestr(zi, data)
    return buf.getvalue()

t = lambda s: s.encode('utf-8')
nested = tar_bytes([('hondo.txt', t('Documento hondo: la liberación de Jesús Peña en Barinas.\n'))])
inner = zip_bytes([('acta.txt', t('Acta de la audiencia de Ana Lucía Ibáñez en Caracas.\n')),
                   ('nested.tar.gz', nested)])
same = t('Copia idéntica del comunicado sobre Ramón Núñez.\n')
open(p('outer.zip'), 'wb').write(zip_bytes([
    ('folder/declaracion.txt', t('Declaración de María Rodríguez sobre la detención.\n')),
    ('inner.zip', inner),
    ('copia1.txt', same),
    ('copia2.txt', same),
    ('../../fuera.txt', t('zip slip: nunca escrito\n')),
    ('/etc/absoluto.txt', t('ruta absoluta\n')),
    ('enlace', ('symlink', '/etc/passwd')),
]))
open(p('docs.tar.gz'), 'wb').write(tar_bytes([
    ('docs/uno.txt', t('Primer documento del paquete: Mérida.\n')),
    ('docs/dos.txt', t('Segundo documento del paquete: Cumaná.\n'))]))
import gzip
open(p('nota.txt.gz'), 'wb').write(gzip.compress(t('Nota comprimida sola: Valencia.\n'), mtime=0))
full = tar_bytes([('a/primero.txt', t('Primero legible: Maturín. ' * 4000)),
                  ('a/segundo.txt', os.urandom(0) + bytes(range(256)) * 2000),
                  ('a/tercero.txt', t('Tercero nunca leído. ' * 4000))])
open(p('trunc.tar.gz'), 'wb').write(full[:len(full) * 55 // 100])
open(p('big-member.zip'), 'wb').write(zip_bytes([('grande.txt', t('palabra ') * 400000)]))
open(p('bomb.zip'), 'wb').write(zip_bytes([('ceros.bin', bytes(100 * 1024 * 1024))]))
open(p('many.zip'), 'wb').write(zip_bytes([('m%02d.txt' % i, t('miembro %d\n' % i)) for i in range(12)]))
deep = t('En el fondo: Carúpano.\n')
name = 'fondo.txt'
for level in range(7):
    deep = zip_bytes([(name, deep)])
    name = 'nivel%d.zip' % level
open(p('deep.zip'), 'wb').write(deep)
