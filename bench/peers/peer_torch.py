"""PyTorch for the peer scripts, with the thread count set before it loads (OpenBLAS reads it then), re-running the
script under Debian's /usr/bin/python3 (python3-torch) when this interpreter (e.g. a pyenv one) lacks torch."""
import os
import sys


def import_torch(threads):
    for var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
        os.environ[var] = str(threads)
    try:
        import torch
    except ImportError:
        system = '/usr/bin/python3'
        if os.path.realpath(sys.executable) != os.path.realpath(system) and os.path.exists(system) \
                and not os.environ.get('PIVOT_PEER_REEXEC'):
            print(f'note: {sys.executable} has no torch; re-running with {system} (Debian python3-torch)', file=sys.stderr)
            os.environ['PIVOT_PEER_REEXEC'] = '1'
            os.execv(system, [system] + sys.argv)
        sys.exit('error: PyTorch is not installed: apt-get install -y python3-torch libopenblas0-pthread '
                 '(or pip install torch)')
    torch.set_num_threads(threads)
    return torch
